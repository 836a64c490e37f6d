# Grafana as the hashistack demo runs it (hashicorp/nomad-autoscaler-demos,
# cloud/shared/terraform/modules/shared-nomad-jobs): a Linux Docker image, dc1,
# and NO node.class / OS constraint, which is why, with client_count = 0, Nomad
# placed it on the Windows client (Bug #17). Written for nomad-sim, not copied.
job "grafana" {
  datacenters = ["dc1"]

  group "grafana" {
    count = 1

    network {
      port "grafana_ui" {}
    }

    task "grafana" {
      driver = "docker"

      config {
        image = "grafana/grafana:7.4.2"
        ports = ["grafana_ui"]
      }

      env {
        GF_AUTH_ANONYMOUS_ENABLED = "true"
        GF_SERVER_HTTP_PORT       = "${NOMAD_PORT_grafana_ui}"
      }

      resources {
        cpu    = 100
        memory = 64
      }

      service {
        name = "grafana"
        port = "grafana_ui"
      }
    }
  }
}
