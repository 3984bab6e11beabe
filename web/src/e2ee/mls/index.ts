// The browser's MLS layer (RFC 9420 via ts-mls 1.6.4): device identity and KeyPackages,
// the authentication service, encrypted key storage, group sessions and the security code.
// Pure code: the call client moves the bytes to and from the delivery service.
export {
  createDeviceIdentity,
  makeKeyPackages,
  makeCredential,
  credentialIdentity,
  parseCredential,
  decodeKeyPackageMessage,
  keyPackageSignatureKey,
  keyPackageBelongsTo,
  KEY_PACKAGE_LIFETIME_SECONDS,
} from './device-identity';
export type { DeviceIdentity, DeviceName, GeneratedKeyPackage } from './device-identity';
export { makeAuthService } from './auth-service';
export type { DeviceDirectory, AuthRejection, HavenAuthService } from './auth-service';
export { MlsKeyStore, MemoryBackend, openIndexedDbBackend } from './key-store';
export type { KvBackend, StoredKeyPackage } from './key-store';
export { GroupSession, welcomeKeyPackageRefs } from './group';
export type {
  LocalDevice,
  SessionOptions,
  RosterEntry,
  CommitResult,
  IncomingResult,
  ErrorCode,
  OutgoingCommit,
} from './group';
export { securityCode, WORDS as SECURITY_CODE_WORDS } from './security-code';
export type { SecurityCode } from './security-code';
