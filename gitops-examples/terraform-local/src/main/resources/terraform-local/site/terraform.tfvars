# Loaded by OpenTofu by itself; a commit changing it is a change like any other.
greeting = "Hello from Git"
