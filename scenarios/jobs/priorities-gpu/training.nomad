# Model training: a low-priority batch job holding two GPUs per allocation.
job "training" {
  datacenters = ["dc1"]
  type        = "batch"
  priority    = 30

  group "trainer" {
    count = 4

    task "train" {
      driver = "docker"

      config {
        image = "example/trainer:2.3"
      }

      resources {
        cpu    = 4000
        memory = 16384

        device "nvidia/gpu" {
          count = 2
        }
      }
    }
  }
}
