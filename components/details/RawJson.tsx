// Raw kernel data (info_data and friends) exactly as `ip -j` printed it.
export function RawJson({ title, value }: { title: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  return (
    <details className="raw" open>
      <summary>{title}</summary>
      <pre data-testid="raw-json">{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}
