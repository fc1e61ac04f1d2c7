/**
 * The least a doctor user needs on data nodes: every check runs, and only `security.acl`
 * (which reads the user's own rules with ACL GETUSER) is skipped. Add `+acl|getuser` for that
 * one too — at the price of letting the user read other users' rules and password hashes.
 *
 * `ACL SETUSER doctor on >… ${DOCTOR_ACL_RULES}`
 */
export const DOCTOR_ACL_RULES = '-@all +ping +info +config|get +cluster|info +cluster|nodes +acl|whoami';

/** The least a doctor (and monitor) user needs on sentinels: the read-only SENTINEL subcommands, INFO, and events. */
export const DOCTOR_SENTINEL_ACL_RULES =
  '-@all +ping +info +sentinel|master +sentinel|replicas +sentinel|sentinels +sentinel|ckquorum +sentinel|get-master-addr-by-name +psubscribe &*';
