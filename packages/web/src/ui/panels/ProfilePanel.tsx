/** Placeholder until this panel is built (issue 15). */
export default function ProfilePanel(_props: { userId: string }) {
  return <p className="muted">Coming soon.</p>;
}
