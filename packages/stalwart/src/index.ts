// Public surface of @coordis/stalwart. Empty until its issue lands; see README.md.
export {};
