# A read-through cache: a service at a middling priority.
job "cache" {
  datacenters = ["dc1"]
  priority    = 45

  group "redis" {
    count = 3

    task "redis" {
      driver = "docker"

      config {
        image = "redis:7.2"
      }

      resources {
        cpu    = 1500
        memory = 2048
      }
    }
  }
}
