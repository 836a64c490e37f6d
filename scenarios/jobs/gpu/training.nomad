# Two GPUs with at least 24 GiB each: only the A100 nodes qualify (T4s have 15 GiB).
job "training" {
  datacenters = ["dc1"]
  type        = "batch"
  node_pool   = "gpu"

  group "train" {
    count = 2

    task "train" {
      driver = "docker"

      config {
        image = "nvcr.io/nvidia/pytorch:24.08-py3"
      }

      resources {
        cpu    = 16000
        memory = 65536

        device "nvidia/gpu" {
          count = 2

          constraint {
            attribute = "${device.attr.memory}"
            operator  = ">="
            value     = "24 GiB"
          }
        }
      }
    }
  }
}
