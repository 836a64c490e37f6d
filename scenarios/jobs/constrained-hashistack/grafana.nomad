# grafana with the constraint the Bug #17 analysis ASSUMED the demo jobs carry:
# ${node.class} = "hashistack". The real Linux clients are class "hashistack-linux",
# so with this constraint the job places nowhere, whatever client_count is.
job "grafana" {
  datacenters = ["dc1"]

  constraint {
    attribute = "${node.class}"
    value     = "hashistack"
  }

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
