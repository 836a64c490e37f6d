# Online inference: one GPU and 700 Mbits per allocation, at a high priority.
job "inference" {
  datacenters = ["dc1"]
  priority    = 80

  group "serve" {
    count = 2

    task "serve" {
      driver = "docker"

      config {
        image = "example/inference:5.1"
      }

      resources {
        cpu    = 2000
        memory = 8192

        device "nvidia/gpu" {
          count = 1
        }

        network {
          mbits = 700
        }
      }
    }
  }
}
