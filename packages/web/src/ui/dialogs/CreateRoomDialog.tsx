/** Placeholder until this dialog is built (issue 15). */
export default function CreateRoomDialog() {
  return <p className="muted">Coming soon.</p>;
}
