"""The shared customer record: accounts and everything that happened with them."""
