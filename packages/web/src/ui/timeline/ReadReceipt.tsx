import { useState } from 'react';
import { client } from '../../lib/sdk.ts';
import type { Message } from '../../state/types.ts';
import { Avatar } from '../common.tsx';

type Reader = Awaited<ReturnType<typeof client.messages.readers>>['items'][number];

/** Own messages: "Delivered" / "Read" in direct rooms; "Read by N" (click for who) in group rooms. */
export function ReadReceipt({ message: m, roomType }: { message: Message; roomType: string }) {
  const [readers, setReaders] = useState<Reader[] | null>(null);
  if (roomType === 'direct') {
    if (!m.receipt || m.receipt === 'sent') return null;
    return <span className="receipt muted">{m.receipt === 'read' ? 'Read' : 'Delivered'}</span>;
  }
  if (m.read_by_count <= 0) return null;
  return (
    <span className="receipt">
      <button
        type="button"
        className="link-button muted"
        aria-expanded={readers !== null}
        onClick={() => (readers ? setReaders(null) : void client.messages.readers(m.id).then((r) => setReaders(r.items)))}
      >
        Read by {m.read_by_count}
      </button>
      {readers && (
        <ul className="readers" aria-label="Read by">
          {readers.map((r) => (
            <li key={r.user.id}>
              <Avatar user={r.user} size={18} /> {r.user.display_name}
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
