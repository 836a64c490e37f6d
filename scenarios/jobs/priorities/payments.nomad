# The new high-priority service that needs room on a full cluster.
job "payments" {
  datacenters = ["dc1"]
  priority    = 70

  group "api" {
    count = 2

    task "api" {
      driver = "docker"

      config {
        image = "example/payments-api:2.0"
      }

      resources {
        cpu    = 1500
        memory = 1024
      }
    }
  }
}
