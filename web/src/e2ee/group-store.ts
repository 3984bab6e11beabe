// A room group's state as this device keeps it between page loads: the serialized
// GroupSession (private keys: sealed by MlsKeyStore) and the seq of the last delivery
// service message processed, so that a reload subscribes with after_seq and resumes
// without being admitted again (docs/E2EE.md "In the call").
import { GroupSession } from './mls/index';
import type { DeviceDirectory, MlsKeyStore } from './mls/index';

const seqRecord = (hex: string) => `group-seq:${hex}`;

export class GroupStore {
  constructor(
    private readonly store: MlsKeyStore,
    private readonly groupHex: string,
  ) {}

  /** The stored session and its seq, or undefined (nothing stored, or unusable: then dropped). */
  async load(directory: DeviceDirectory): Promise<{ session: GroupSession; lastSeq: number } | undefined> {
    const bytes = await this.store.loadGroupState(this.groupHex).catch(() => undefined);
    if (!bytes) return undefined;
    try {
      const session = await GroupSession.restore(bytes, { directory });
      if (!session.isActive) throw new Error('inactive');
      const seq = await this.store.getSecret(seqRecord(this.groupHex));
      const lastSeq = seq ? Number(new DataView(seq.secret.buffer, seq.secret.byteOffset).getBigUint64(0)) : 0;
      return { session, lastSeq };
    } catch {
      await this.drop();
      return undefined;
    }
  }

  /**
   * State before seq: a crash between the two replays a message, which the session
   * refuses as stale, rather than skipping one.
   */
  async save(session: GroupSession, lastSeq: number): Promise<void> {
    await this.store.saveGroupState(this.groupHex, session.serialize());
    const seq = new Uint8Array(8);
    new DataView(seq.buffer).setBigUint64(0, BigInt(lastSeq));
    await this.store.putSecret(seqRecord(this.groupHex), seq);
  }

  async drop(): Promise<void> {
    await this.store.deleteGroupState(this.groupHex).catch(() => undefined);
    await this.store.delete(seqRecord(this.groupHex)).catch(() => undefined);
  }
}
