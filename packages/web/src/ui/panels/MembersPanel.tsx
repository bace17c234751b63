/** Placeholder until this panel is built (issue 15). */
export default function MembersPanel(_props: { roomId: string }) {
  return <p className="muted">Coming soon.</p>;
}
