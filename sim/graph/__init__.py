"""The bipartite task-group × node (class) graph and the analyses it answers."""
