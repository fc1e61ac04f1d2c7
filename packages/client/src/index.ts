// Public surface of @coordis/client. Empty until its issue lands; see README.md.
export {};
