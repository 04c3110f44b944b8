# A tiny "site" made of local files: the local provider writes them, OpenTofu keeps its state.
terraform {
  required_providers {
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}

resource "local_file" "index" {
  filename = "${var.out_dir}/index.html"
  content  = "<h1>${var.greeting}</h1>\n"
}

resource "local_file" "robots" {
  filename = "${var.out_dir}/robots.txt"
  content  = "User-agent: *\nDisallow: /drafts/\n"
}

output "index_path" {
  value = local_file.index.filename
}

output "greeting" {
  value = var.greeting
}
