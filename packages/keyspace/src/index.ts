// Public surface of @coordis/keyspace. Empty until its issue lands; see README.md.
export {};
