# A metrics agent on every client: system jobs preempt by default.
job "node-exporter" {
  datacenters = ["dc1"]
  type        = "system"
  priority    = 80

  group "exporter" {
    task "exporter" {
      driver = "docker"

      config {
        image = "prom/node-exporter:v1.8.2"
      }

      resources {
        cpu    = 400
        memory = 128
      }
    }
  }
}
