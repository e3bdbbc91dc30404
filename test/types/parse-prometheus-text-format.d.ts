declare module 'parse-prometheus-text-format' {
  interface Sample {
    value: string
    labels?: Record<string, string>
  }
  interface MetricFamily {
    name: string
    help: string
    type: string
    metrics: Sample[]
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[]
}
