# One GPU of any nvidia model, preferring Tesla T4s (cheap) over A100s.
job "inference" {
  datacenters = ["dc1"]
  node_pool   = "gpu"

  group "serve" {
    count = 3

    network {
      port "grpc" {
        to = 8001
      }
    }

    task "triton" {
      driver = "docker"

      config {
        image = "nvcr.io/nvidia/tritonserver:24.08-py3"
        ports = ["grpc"]
      }

      resources {
        cpu    = 4000
        memory = 8192

        device "nvidia/gpu" {
          count = 1

          affinity {
            attribute = "${device.model}"
            operator  = "regexp"
            value     = "T4"
            weight    = 75
          }
        }
      }
    }
  }
}
