"""Runs the Triton shards of the local stack: one tritonserver per shard, all serving the same
model repository, supervised by this one process.

The stack records one process per component, so this is the `triton` component's process, and
`stack down` stops its whole process group, shards included. Each shard's pid is written to
STATE_DIR/shard-GRPCPORT.pid so a test can kill or freeze a single shard (kill -KILL, -STOP) and
watch the gateway route around it. A shard that dies after it was ready is started again after
--restart-delay seconds, the way a process manager would bring a crashed server back. A shard
that dies before it ever became ready stops everything, so `stack up` fails fast.
Each shard logs to LOG_DIR/triton-shard-GRPCPORT.log.

Shards run in explicit model-control mode and load the whole repository at start; a version put
into the repository later is served once a RepositoryModelLoad of its model reaches each shard
(libs/triton's installModelVersion does both).
"""
import argparse
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

POLL_S = 0.5


def log(message):
    print(f"[triton-shards] {message}", flush=True)


class Shard:
    def __init__(self, ports, args):
        self.grpc_port, self.http_port, self.metrics_port = (int(p) for p in ports.split(","))
        self.args = args
        self.process = None
        self.ever_ready = False
        self.ready = False
        self.restart_at = None
        self.pid_file = Path(args.state_dir) / f"shard-{self.grpc_port}.pid"
        self.log_file = Path(args.log_dir) / f"triton-shard-{self.grpc_port}.log"

    def command(self):
        return [
            self.args.tritonserver,
            f"--id=shard-{self.grpc_port}",
            f"--model-repository={self.args.model_repository}",
            f"--backend-directory={self.args.backend_directory}",
            # Explicit model control: the models and versions served change through the repository
            # API (RepositoryModelLoad/Unload) with no restart. --load-model=* loads every model of the
            # repository at start, so a shard started again after a crash serves every version the
            # repository holds then, the versions loaded into the others since included.
            "--model-control-mode=explicit",
            "--load-model=*",
            "--strict-readiness=true",
            "--exit-timeout-secs=5",
            "--http-address=127.0.0.1",
            f"--http-port={self.http_port}",
            "--grpc-address=127.0.0.1",
            f"--grpc-port={self.grpc_port}",
            "--metrics-address=127.0.0.1",
            f"--metrics-port={self.metrics_port}",
            "--allow-gpu-metrics=false",
            # No GPU: skip the CUDA pinned host memory pool, which only logs a failure here.
            "--pinned-memory-pool-byte-size=0",
            # Let clients keep idle channels alive with pings every few seconds (the gRPC server
            # default treats a ping more often than every 5 minutes as abuse and hangs up).
            "--grpc-keepalive-permit-without-calls=true",
            "--grpc-http2-max-pings-without-data=0",
            "--grpc-http2-min-recv-ping-interval-without-data=5000",
        ] + self.tls_flags()

    def tls_flags(self):
        """gRPC over TLS with the stack's server certificate (`stack up --tls`); clients are not asked
        for certificates of their own."""
        if not self.args.grpc_server_cert:
            return []
        return [
            "--grpc-use-ssl=true",
            f"--grpc-server-cert={self.args.grpc_server_cert}",
            f"--grpc-server-key={self.args.grpc_server_key}",
            f"--grpc-root-cert={self.args.grpc_root_cert}",
        ]

    def start(self):
        with open(self.log_file, "ab") as out:
            self.process = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT)
        self.pid_file.write_text(f"{self.process.pid}\n")
        self.ready = False
        self.restart_at = None
        log(f"shard {self.grpc_port} started (pid {self.process.pid}), log {self.log_file}")

    def check_ready(self):
        try:
            url = f"http://127.0.0.1:{self.http_port}/v2/health/ready"
            with urllib.request.urlopen(url, timeout=1) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()

    def wait(self, timeout):
        if not self.process:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.pid_file.unlink(missing_ok=True)


def supervise(shards, restart_delay):
    """Returns an exit code once a shard failed before becoming ready or a stop was asked."""
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    for shard in shards:
        shard.start()
    while not stopping:
        for shard in shards:
            code = shard.process.poll() if shard.process else None
            if shard.restart_at is not None:
                if time.monotonic() >= shard.restart_at:
                    shard.start()
            elif code is not None:
                if not shard.ever_ready:
                    log(f"shard {shard.grpc_port} exited with code {code} before it was ready; see {shard.log_file}")
                    return 1
                log(f"shard {shard.grpc_port} exited with code {code}; restarting in {restart_delay}s")
                shard.pid_file.unlink(missing_ok=True)
                shard.restart_at = time.monotonic() + restart_delay
            elif not shard.ready and shard.check_ready():
                shard.ready = shard.ever_ready = True
                log(f"shard {shard.grpc_port} ready: gRPC {shard.grpc_port}, HTTP {shard.http_port}, metrics {shard.metrics_port}")
        time.sleep(POLL_S)
    log(f"stopping on signal {stopping[0]}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tritonserver", required=True, help="path of the tritonserver binary")
    parser.add_argument("--model-repository", required=True)
    parser.add_argument("--backend-directory", required=True)
    parser.add_argument("--shard", action="append", required=True, metavar="GRPC,HTTP,METRICS",
                        help="the three ports of one shard; repeat for each shard")
    parser.add_argument("--state-dir", required=True, help="where shard pid files go")
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("--restart-delay", type=float, default=3.0)
    parser.add_argument("--grpc-server-cert", help="PEM certificate: serve gRPC over TLS (with the two below)")
    parser.add_argument("--grpc-server-key")
    parser.add_argument("--grpc-root-cert", help="PEM of the CA that signed the certificate")
    args = parser.parse_args()
    if bool(args.grpc_server_cert) != bool(args.grpc_server_key) or bool(args.grpc_server_cert) != bool(args.grpc_root_cert):
        parser.error("--grpc-server-cert, --grpc-server-key and --grpc-root-cert go together")
    Path(args.state_dir).mkdir(parents=True, exist_ok=True)

    shards = [Shard(ports, args) for ports in args.shard]
    code = supervise(shards, args.restart_delay)
    for shard in shards:
        shard.stop()
    for shard in shards:
        shard.wait(timeout=10)
    sys.exit(code)


if __name__ == "__main__":
    main()
