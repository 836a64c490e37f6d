# grafana pinned to the real Linux client class of the Windows-enabled hashistack
# fork (${node.class} = "hashistack-linux"): with client_count = 0 it is blocked
# instead of landing on the Windows client.
job "grafana" {
  datacenters = ["dc1"]

  constraint {
    attribute = "${node.class}"
    value     = "hashistack-linux"
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
