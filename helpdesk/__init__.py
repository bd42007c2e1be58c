"""lpse-helpdesk: the LPSE Kabupaten Karawang helpdesk bot."""
