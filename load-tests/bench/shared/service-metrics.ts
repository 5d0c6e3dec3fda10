/** Each named metric summed over its label sets, from a service's Prometheus /metrics text. */
export async function metricSums(metricsUrl: string, names: string[]): Promise<Record<string, number>> {
  const text = await fetch(metricsUrl)
    .then((res) => res.text())
    .catch(() => '');
  const lines = text.split('\n');
  return Object.fromEntries(
    names.map((name) => [
      name,
      lines
        .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0),
    ]),
  );
}
