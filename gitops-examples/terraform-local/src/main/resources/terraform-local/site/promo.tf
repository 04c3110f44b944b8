# A temporary banner: deleting this file from Git makes the next plan destroy the resource.
resource "local_file" "promo" {
  filename = "${var.out_dir}/promo.txt"
  content  = "Winter sale: 20% off\n"
}
