# Four 80 GiB GPUs: no node in gpu-pool.yaml has them, so this job cannot place.
job "llm-finetune" {
  datacenters = ["dc1"]
  type        = "batch"
  node_pool   = "gpu"

  group "finetune" {
    task "finetune" {
      driver = "docker"

      config {
        image = "nvcr.io/nvidia/nemo:24.07"
      }

      resources {
        cpu    = 32000
        memory = 262144

        device "nvidia/gpu" {
          count = 4

          constraint {
            attribute = "${device.attr.memory}"
            operator  = ">="
            value     = "80 GiB"
          }
        }
      }
    }
  }
}
