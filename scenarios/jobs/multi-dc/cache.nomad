# A cache in the default pool of dc1, preferring rack-less general purpose nodes.
job "cache" {
  datacenters = ["dc1"]

  affinity {
    attribute = "${node.class}"
    value     = "t3-medium"
    weight    = 50
  }

  group "redis" {
    count = 2

    task "redis" {
      driver = "docker"

      config {
        image = "redis:7"
      }

      resources {
        cpu    = 500
        memory = 1024
      }
    }
  }
}
