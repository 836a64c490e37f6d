# Video ingest: a service that reserves 400 Mbits of the node's NIC per allocation.
job "ingest" {
  datacenters = ["dc1"]
  priority    = 40

  group "ingest" {
    count = 2

    task "ingest" {
      driver = "docker"

      config {
        image = "example/ingest:0.9"
      }

      resources {
        cpu    = 1000
        memory = 1024

        network {
          mbits = 400
        }
      }
    }
  }
}
