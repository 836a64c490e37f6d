# Prometheus as the hashistack demo runs it: Linux Docker image, dc1, no OS or
# node.class constraint. Written for nomad-sim after the demo's job, not copied.
job "prometheus" {
  datacenters = ["dc1"]

  group "prometheus" {
    count = 1

    network {
      port "prometheus_ui" {}
    }

    task "prometheus" {
      driver = "docker"

      config {
        image = "prom/prometheus:v2.25.0"
        args  = ["--config.file=/local/prometheus.yml", "--web.listen-address=0.0.0.0:${NOMAD_PORT_prometheus_ui}"]
        ports = ["prometheus_ui"]
      }

      template {
        destination = "local/prometheus.yml"
        data        = <<EOH
global:
  scrape_interval: 10s
scrape_configs:
  - job_name: nomad
    metrics_path: /v1/metrics
    params:
      format: ['prometheus']
    consul_sd_configs:
      - server: '{{ env "attr.unique.network.ip-address" }}:8500'
        services: ['nomad-client', 'nomad']
EOH
      }

      resources {
        cpu    = 100
        memory = 256
      }

      service {
        name = "prometheus"
        port = "prometheus_ui"
      }
    }
  }
}
