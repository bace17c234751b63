/** Placeholder until this panel is built (issue 15). */
export default function RoomSettingsPanel(_props: { roomId: string }) {
  return <p className="muted">Coming soon.</p>;
}
