# Traefik, the demo's load balancer: a system job (one allocation per feasible
# client) with four static ports. Written for nomad-sim after the demo's job.
job "traefik" {
  region      = "global"
  datacenters = ["dc1"]
  type        = "system"

  group "traefik" {
    count = 1

    network {
      port "api" {
        static = 8081
      }
      port "grafana" {
        static = 3000
      }
      port "prometheus" {
        static = 9090
      }
      port "webapp" {
        static = 80
      }
    }

    task "traefik" {
      driver = "docker"

      config {
        image        = "traefik:v2.2"
        network_mode = "host"
        ports        = ["api", "grafana", "prometheus", "webapp"]
      }

      resources {
        cpu    = 200
        memory = 256
      }
    }
  }
}
