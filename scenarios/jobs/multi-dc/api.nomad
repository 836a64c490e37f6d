# Prod API: every dc* datacenter (glob), prod pool only, one allocation per host,
# spread evenly over racks, and only on kernels new enough. `semver`, not `version`:
# Ubuntu kernels ("6.8.0-1021-aws") parse as prereleases, and `version ">= 5.15"`
# rejects every prerelease (go-version's prerelease check), so it would match no node.
job "api" {
  datacenters = ["dc*"]
  node_pool   = "prod"

  constraint {
    attribute = "${attr.kernel.version}"
    operator  = "semver"
    value     = ">= 5.15.0"
  }

  group "api" {
    count = 6

    constraint {
      distinct_hosts = true
    }

    spread {
      attribute = "${meta.rack}"
      weight    = 100
      target "r1" {
        percent = 50
      }
      target "r2" {
        percent = 50
      }
    }

    network {
      port "http" {
        to = 8080
      }
    }

    task "api" {
      driver = "docker"

      config {
        image = "example/api:2.3.1"
        ports = ["http"]
      }

      resources {
        cpu    = 1000
        memory = 1024
      }
    }
  }
}
