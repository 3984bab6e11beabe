import type { VNode } from 'preact';
import type { RemotePeer } from '../call/call-client';
import { cameraKey, mainTileKey, screenKey } from '../call/speaker-layout';
import type { TileKey } from '../call/speaker-layout';
import type { WatchTile } from '../call/useCall';
import { ScreenTile } from './ScreenTile';
import type { SpeakerLayoutState } from './useSpeakerLayout';
import { VideoTile } from './VideoTile';

interface CallTilesProps {
  peers: readonly RemotePeer[];
  /** Our own camera preview (null without one). */
  local: MediaStream | null;
  cameraOff: boolean;
  micMuted: boolean;
  watch: WatchTile;
  layout: SpeakerLayoutState;
  /** The host's controls on someone else's tile; undefined for everyone else's page. */
  hostControls?: {
    remove: (peerId: string) => Promise<void>;
    sendBack: (userId: string) => Promise<void>;
    askToUnmute: (peerId: string) => Promise<void>;
    /** A private check-in with this person; undefined inside one. */
    checkIn?: ((userId: string) => Promise<void>) | undefined;
  } | undefined;
  /** Our own user id: no host controls on our own other tabs' tiles. */
  selfUserId: string;
}

interface Tile {
  key: TileKey;
  /** `compact`: a filmstrip tile, too small for the host's buttons (Pin stays). */
  render: (compact: boolean) => VNode;
}

/**
 * The tiles of the call in the chosen layout. Grid: every tile the same size (shared screens
 * first, then a pinned person, ourselves, the others). Speaker: one tile large
 * (speaker-layout.ts mainTileKey) and the rest in a filmstrip that scrolls sideways
 * (screens, the others, ourselves last). Every
 * remote tile watches its own rendered size and visibility (useLayerWatch), so the large
 * tile asks the SFU for a large layer, filmstrip tiles for a small one, and tiles scrolled
 * out of the strip for none.
 */
/** A person's name on their tiles; a guest link's person is marked (docs/SESSIONS.md "Guests"). */
function peerName(p: RemotePeer): string {
  const name = p.display_name || 'Someone';
  return p.guest ? `${name} (guest)` : name;
}

export function CallTiles({ peers, local, cameraOff, micMuted, watch, layout, hostControls, selfUserId }: CallTilesProps) {
  const { pinnedPeerId } = layout;
  // Shared screens first: they are what everyone is meant to look at.
  const screens: Tile[] = peers.flatMap((p) => {
    const stream = p.screen;
    if (!stream) return [];
    const key = screenKey(p.peer_id);
    return [{ key, render: () => <ScreenTile key={key} stream={stream} name={peerName(p)} peerId={p.peer_id} mid={p.screenMid} watch={watch} /> }];
  });
  const cameraTile = (p: RemotePeer): Tile => {
    const key = cameraKey(p.peer_id);
    const host = hostControls && p.user_id !== selfUserId ? hostControls : undefined;
    return {
      key,
      render: (compact) => (
        <VideoTile
          key={key}
          stream={p.stream}
          label={peerName(p)}
          peerId={p.peer_id}
          mid={p.videoMid}
          watch={watch}
          cameraOff={p.muted.camera}
          micMuted={p.muted.microphone}
          speaking={p.speaking}
          pinned={p.peer_id === pinnedPeerId}
          onPin={() => layout.togglePin(p.user_id)}
          onRemove={host && !compact ? () => host.remove(p.peer_id) : undefined}
          onSendBack={host && !compact ? () => host.sendBack(p.user_id) : undefined}
          onAskUnmute={host && !compact ? () => host.askToUnmute(p.peer_id) : undefined}
          onCheckIn={host?.checkIn && !compact ? () => host.checkIn!(p.user_id) : undefined}
        />
      ),
    };
  };
  const pinned = peers.filter((p) => p.peer_id === pinnedPeerId).map(cameraTile);
  const others = peers.filter((p) => p.peer_id !== pinnedPeerId).map(cameraTile);
  const self: Tile[] = local
    ? [{ key: 'self', render: () => <VideoTile key="self" stream={local} label="You" self cameraOff={cameraOff} micMuted={micMuted} /> }]
    : [];

  if (layout.layout === 'grid') {
    return (
      <ul class="call-grid" aria-label="People in the call" data-testid="call-grid">
        {[...screens, ...pinned, ...self, ...others].map((t) => t.render(false))}
      </ul>
    );
  }

  const sharing = peers.filter((p) => p.screen).map((p) => p.peer_id);
  const wanted = mainTileKey(pinnedPeerId, sharing, layout.speakerPeerId);
  // The others before ourselves in the strip: we know what we look like.
  const tiles = [...screens, ...pinned, ...others, ...self];
  // A tile not there (no camera of our own yet): the first there is.
  const main = tiles.find((t) => t.key === wanted) ?? tiles[0];
  const rest = tiles.filter((t) => t !== main);
  return (
    <div class="call-speaker" data-testid="call-speaker">
      {main ? (
        <ul class="call-stage" aria-label="Shown large" data-testid="call-stage" data-tile={main.key}>
          {main.render(false)}
        </ul>
      ) : null}
      {rest.length ? (
        // Focusable so that a keyboard can scroll it; its tiles' Pin buttons are in it too.
        <ul class="call-filmstrip" aria-label="Everyone else in the call" tabIndex={0} data-testid="call-filmstrip">
          {rest.map((t) => t.render(true))}
        </ul>
      ) : null}
    </div>
  );
}
