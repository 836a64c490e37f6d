# A CPU-only service in the default pool: GPU nodes stay for GPU work.
job "dashboard" {
  datacenters = ["dc1"]

  group "web" {
    count = 2

    task "web" {
      driver = "docker"

      config {
        image = "grafana/grafana:11.2.0"
      }

      resources {
        cpu    = 500
        memory = 512
      }
    }
  }
}
