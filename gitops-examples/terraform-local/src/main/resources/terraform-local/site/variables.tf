variable "out_dir" {
  description = "Folder the site's files are written to; set by the application, not in Git."
  type        = string
}

variable "greeting" {
  description = "Headline of the index page."
  type        = string
}
