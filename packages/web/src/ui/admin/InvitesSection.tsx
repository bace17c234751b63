import { useCallback, useEffect, useId, useState } from 'react';
import { errorText } from '../../state/actions.ts';
import { createInvite, type Invite, inviteLink, listInvites, revokeInvite } from '../../state/admin-actions.ts';
import { toast } from '../../state/ui.ts';
import { fromNow, formatShort, INVITE_EXPIRIES } from './time.ts';
import { useAction } from './useAction.ts';

const USES: { label: string; value: number | null }[] = [
  { label: 'Once', value: 1 },
  { label: '5 times', value: 5 },
  { label: '10 times', value: 10 },
  { label: '50 times', value: 50 },
  { label: 'No limit', value: null },
];

/** Copies text; where the clipboard is refused (plain http, permissions), selects it for Ctrl+C instead. */
async function copy(text: string, fallback: HTMLInputElement | null): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast('Invite link copied.');
  } catch {
    fallback?.focus();
    fallback?.select();
    toast('Press Ctrl+C (⌘C) to copy the selected link.');
  }
}

/** Admins make invite links (expiry, number of uses), copy them, and revoke the live ones. */
export function InvitesSection({ roomId, archived, memberCount }: { roomId: string; archived: boolean; memberCount: number }) {
  const id = useId();
  const [expiry, setExpiry] = useState(2);
  const [uses, setUses] = useState(0);
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Invite | null>(null);
  const create = useAction();

  const load = useCallback(() => {
    listInvites(roomId).then(
      (items) => (setInvites(items), setListError(null)),
      (err) => setListError(errorText(err)),
    );
  }, [roomId]);
  // Someone joined (perhaps by one of these links): read the counts again.
  useEffect(load, [load, memberCount]);

  async function make() {
    const invite = await createInvite(roomId, {
      expires_in: INVITE_EXPIRIES[expiry]?.seconds ?? 7 * 86400,
      max_uses: USES[uses]?.value ?? 1,
    });
    setFresh(invite);
    setInvites((list) => [invite, ...(list ?? [])]);
  }

  return (
    <section className="admin-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Invite links</h3>
      {archived ? (
        <p className="muted small-text">This room is archived: nobody can join it, so no new invites can be made.</p>
      ) : (
        <form
          className="invite-form"
          onSubmit={(e) => {
            e.preventDefault();
            void create.run(make);
          }}
        >
          <div className="room-field">
            <label htmlFor={`${id}-expiry`}>Expires after</label>
            <select id={`${id}-expiry`} value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
              {INVITE_EXPIRIES.map((d, i) => (
                <option key={d.label} value={i}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
          <div className="room-field">
            <label htmlFor={`${id}-uses`}>Can be used</label>
            <select id={`${id}-uses`} value={uses} onChange={(e) => setUses(Number(e.target.value))}>
              {USES.map((u, i) => (
                <option key={u.label} value={i}>
                  {u.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="primary" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create invite link'}
          </button>
        </form>
      )}
      {create.error && (
        <p className="error" role="alert">
          {create.error}
        </p>
      )}
      {fresh && <FreshLink invite={fresh} />}
      {listError && (
        <p className="error" role="alert">
          {listError}
        </p>
      )}
      {invites && invites.length > 0 && (
        <>
          <h4 className="group-title">Active links · {invites.length}</h4>
          <ul className="invite-list">
            {invites.map((i) => (
              <InviteItem
                key={i.code}
                invite={i}
                onRevoked={() => (
                  setInvites((list) => list?.filter((x) => x.code !== i.code) ?? null),
                  setFresh((f) => (f?.code === i.code ? null : f))
                )}
              />
            ))}
          </ul>
        </>
      )}
      {invites?.length === 0 && <p className="muted small-text">No active invite links.</p>}
    </section>
  );
}

/** The link just made, selected and ready to copy. */
function FreshLink({ invite }: { invite: Invite }) {
  const id = useId();
  const link = inviteLink(invite.code);
  const [input, setInput] = useState<HTMLInputElement | null>(null);
  return (
    <div className="fresh-invite" role="status">
      <label htmlFor={`${id}-link`}>New invite link</label>
      <div className="row">
        <input id={`${id}-link`} ref={setInput} className="grow mono" readOnly value={link} onFocus={(e) => e.target.select()} />
        <button type="button" className="secondary" onClick={() => void copy(link, input)}>
          Copy
        </button>
      </div>
    </div>
  );
}

function usesText(i: Invite): string {
  if (i.max_uses === null) return `used ${i.uses} ${i.uses === 1 ? 'time' : 'times'}`;
  if (i.max_uses === 1) return 'single use';
  return `${i.uses} of ${i.max_uses} uses`;
}

function InviteItem({ invite: i, onRevoked }: { invite: Invite; onRevoked: () => void }) {
  const { busy, error, run } = useAction();
  const link = inviteLink(i.code);
  return (
    <li className="invite">
      <div className="invite-main">
        <code className="ellipsis invite-code" title={link}>
          {i.code}
        </code>
        <span className="muted small-text" title={`Expires ${formatShort(i.expires_at)}`}>
          expires {fromNow(i.expires_at)} · {usesText(i)}
        </span>
      </div>
      <div className="row">
        <button
          type="button"
          className="secondary small"
          onClick={() => void copy(link, null)}
          aria-label={`Copy the invite link ${i.code}`}
        >
          Copy
        </button>
        <button
          type="button"
          className="secondary small danger-text"
          disabled={busy}
          onClick={() => void run(() => revokeInvite(i.code)).then((ok) => ok && onRevoked())}
          aria-label={`Revoke the invite ${i.code}`}
        >
          Revoke
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
