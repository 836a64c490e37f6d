# The demo web application with its toxiproxy sidecar, as the hashistack demo
# runs it: dynamic ports, autoscaled group (scaling.min = 1), no constraints.
# Written for nomad-sim after the demo's webapp.nomad, not copied.
job "webapp" {
  datacenters = ["dc1"]

  group "demo" {
    count = 1

    network {
      port "webapp_http" {}
      port "toxiproxy_webapp" {}
    }

    scaling {
      enabled = true
      min     = 1
      max     = 20
    }

    task "webapp" {
      driver = "docker"

      config {
        image = "hashicorp/demo-webapp-lb-guide"
        ports = ["webapp_http"]
      }

      env {
        PORT    = "${NOMAD_PORT_webapp_http}"
        NODE_IP = "${NOMAD_IP_webapp_http}"
      }

      resources {
        cpu    = 500
        memory = 256
      }
    }

    task "toxiproxy" {
      driver = "docker"

      lifecycle {
        hook    = "prestart"
        sidecar = true
      }

      config {
        image      = "shopify/toxiproxy:2.1.4"
        entrypoint = ["/entrypoint.sh"]
        ports      = ["toxiproxy_webapp"]
      }

      resources {
        cpu    = 100
        memory = 32
      }
    }
  }
}
