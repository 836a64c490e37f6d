# Nightly reports: batch pool in dc2 and dc3, at most two allocations per rack.
job "reports" {
  datacenters = ["dc2", "dc3"]
  type        = "batch"
  node_pool   = "batch"

  constraint {
    attribute = "${attr.nomad.version}"
    version   = ">= 1.7.0"
  }

  group "render" {
    count = 8

    constraint {
      distinct_property = "${meta.rack}"
      value             = "4"
    }

    task "render" {
      driver = "exec"

      config {
        command = "/usr/local/bin/render-reports"
      }

      resources {
        cpu    = 4000
        memory = 2048
      }
    }
  }
}
