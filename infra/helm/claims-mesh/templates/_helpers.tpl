{{/* Names: <release>-<component>, the release name alone when it already is the chart's name. */}}
{{- define "mesh.prefix" -}}
{{- if eq .Release.Name .Chart.Name -}}{{ .Chart.Name }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "mesh.fullname" -}}
{{- printf "%s-%s" (include "mesh.prefix" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mesh.serviceAccountName" -}}
{{- if .Values.serviceAccount.name -}}{{ .Values.serviceAccount.name }}{{- else -}}{{ include "mesh.prefix" . }}{{- end -}}
{{- end -}}

{{/* Labels of every object; "name" is the component (a service or a Triton shard). */}}
{{- define "mesh.labels" -}}
{{ include "mesh.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Values.image.tag | quote }}
app.kubernetes.io/component: {{ .component | default "service" }}
app.kubernetes.io/part-of: claims-mesh
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "mesh.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Every pod of the release (NetworkPolicy peers). */}}
{{- define "mesh.releaseSelector" -}}
app.kubernetes.io/part-of: claims-mesh
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The chart's copy of libs/contracts/topics.json (infra/helm/sync-files.sh). */}}
{{- define "mesh.topics" -}}
{{- .Files.Get "files/topics.json" | fromJson | toJson -}}
{{- end -}}

{{/*
Partitions of the busiest of a consumer's input topics in topics.json (its own "partitions", else
the defaults'): more replicas of the group than that would sit idle. Fails on a topic topics.json
does not have, so a renamed topic cannot leave a ScaledObject behind.
*/}}
{{- define "mesh.maxPartitions" -}}
{{- $topics := include "mesh.topics" .root | fromJson -}}
{{- $max := 0 -}}
{{- range $wanted := .topics -}}
  {{- $found := false -}}
  {{- range $t := $topics.topics -}}
    {{- if eq $t.name $wanted -}}
      {{- $found = true -}}
      {{- $p := int (default $topics.defaults.partitions $t.partitions) -}}
      {{- if gt $p $max -}}{{- $max = $p -}}{{- end -}}
    {{- end -}}
  {{- end -}}
  {{- if not $found -}}{{- fail (printf "topic %s of a consumer is not in topics.json" $wanted) -}}{{- end -}}
{{- end -}}
{{- $max -}}
{{- end -}}

{{/* CPU request in millicores: the bench's ms per claim x claims/s per replica x headroom. */}}
{{- define "mesh.cpuMillicores" -}}
{{- $s := .root.Values.sizing -}}
{{- $m := 0 -}}
{{- if hasKey .svc "cpuMillicores" -}}
{{- $m = int .svc.cpuMillicores -}}
{{- else -}}
{{- $m = int (ceil (mulf .svc.cpuMsPerClaim $s.claimsPerSecondPerReplica $s.headroom)) -}}
{{- end -}}
{{- max $m (int $s.minCpuMillicores) -}}
{{- end -}}

{{/* A service's workload kind (workloads.yaml says why): StatefulSet for a transactional consumer off the host network. */}}
{{- define "mesh.workloadKind" -}}
{{- if and .svc.transactional (not .root.Values.hostNetwork) -}}StatefulSet{{- else -}}Deployment{{- end -}}
{{- end -}}

{{/* Whether a secret reference (dict name/key) is given. */}}
{{- define "mesh.hasSecret" -}}
{{- if and . .name -}}true{{- end -}}
{{- end -}}

{{/* Pod security of every pod: non-root, the runtime's default seccomp profile. */}}
{{- define "mesh.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "mesh.containerSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
{{- end -}}

{{- define "mesh.topologySpread" -}}
{{- if .root.Values.topologySpread.enabled }}
topologySpreadConstraints:
  - maxSkew: {{ .root.Values.topologySpread.maxSkew }}
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: {{ .root.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "mesh.selectorLabels" . | nindent 8 }}
  - maxSkew: {{ .root.Values.topologySpread.maxSkew }}
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: {{ .root.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "mesh.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* The gateway's TRITON_SHARDS: the chart's shard Services, or the external list. */}}
{{- define "mesh.tritonShards" -}}
{{- if .Values.triton.deploy -}}
{{- $root := . -}}
{{- $list := list -}}
{{- range .Values.triton.shards -}}
{{- $list = append $list (printf "%s:%v" (include "mesh.fullname" (dict "root" $root "name" (printf "triton-%s" .))) $root.Values.triton.grpcPort) -}}
{{- end -}}
{{- join "," $list -}}
{{- else -}}
{{- required "triton.externalShards is required when triton.deploy is false" .Values.triton.externalShards -}}
{{- end -}}
{{- end -}}

{{/*
The secret files of a service, as JSON [{id, env, name, key, devPath}]: the API keys (every
service), the KEK and pseudonym secret (services with Redis, the ones that seal), its own (e.g.
ingest's webhooks), and the links' credentials and CAs that values name. Only references: the
Secrets themselves are the cluster's.
*/}}
{{- define "mesh.secretFiles" -}}
{{- $v := .root.Values -}}
{{- $svc := .svc -}}
{{- $files := list (merge (dict "id" "api-keys") $v.secrets.apiKeys) -}}
{{- if $svc.redis -}}
{{- $files = append $files (merge (dict "id" "pii-kek") $v.secrets.piiKek) -}}
{{- $files = append $files (merge (dict "id" "pseudonym-secret") $v.secrets.pseudonymSecret) -}}
{{- end -}}
{{- range $svc.secrets -}}
{{- $files = append $files (merge (dict "id" (kebabcase .)) (required (printf "secrets.%s is not defined" .) (index $v.secrets .))) -}}
{{- end -}}
{{- if $v.kafka.caSecret.name -}}
{{- $files = append $files (dict "id" "kafka-ca" "env" "KAFKA_SSL_CA_FILE" "name" $v.kafka.caSecret.name "key" $v.kafka.caSecret.key) -}}
{{- end -}}
{{- if $v.kafka.sasl.passwordSecret.name -}}
{{- $files = append $files (dict "id" "kafka-sasl" "env" "KAFKA_SASL_PASSWORD_FILE" "name" $v.kafka.sasl.passwordSecret.name "key" $v.kafka.sasl.passwordSecret.key) -}}
{{- end -}}
{{- if $v.schemaRegistry.caSecret.name -}}
{{- $files = append $files (dict "id" "registry-ca" "env" "SCHEMA_REGISTRY_CA_FILE" "name" $v.schemaRegistry.caSecret.name "key" $v.schemaRegistry.caSecret.key) -}}
{{- end -}}
{{- if and $svc.redis $v.redis.passwordSecret.name -}}
{{- $files = append $files (dict "id" "redis-password" "env" "REDIS_PASSWORD_FILE" "name" $v.redis.passwordSecret.name "key" $v.redis.passwordSecret.key) -}}
{{- end -}}
{{- if and $svc.redis $v.redis.caSecret.name -}}
{{- $files = append $files (dict "id" "redis-ca" "env" "REDIS_TLS_CA_FILE" "name" $v.redis.caSecret.name "key" $v.redis.caSecret.key) -}}
{{- end -}}
{{- if and $svc.triton $v.triton.caSecret.name -}}
{{- $files = append $files (dict "id" "triton-ca" "env" "TRITON_TLS_CA_FILE" "name" $v.triton.caSecret.name "key" $v.triton.caSecret.key) -}}
{{- end -}}
{{- toJson $files -}}
{{- end -}}
