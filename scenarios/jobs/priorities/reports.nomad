# Nightly report rendering: a low-priority batch job that may be evicted.
job "reports" {
  datacenters = ["dc1"]
  type        = "batch"
  priority    = 20

  group "render" {
    count = 3

    task "render" {
      driver = "docker"

      config {
        image = "example/report-renderer:1.4"
      }

      resources {
        cpu    = 2000
        memory = 2048
      }
    }
  }
}
