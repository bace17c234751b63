import { useEffect, useState } from 'react';
import { errorText, login, putRoom, signup } from '../state/actions.ts';
import { client } from '../lib/sdk.ts';
import { navigate, roomPath, type Route } from '../lib/router.ts';
import { useStore } from '../state/store.ts';
import { limits } from '../state/limits.ts';

type Choice = { id: string; username: string | null; display_name: string }[];

/** Log in (by username or email) or sign up; an invite link shows its room first. */
export function AuthScreen({ route }: { route: Route }) {
  const reason = useStore((s) => s.signedOutReason);
  const [mode, setMode] = useState<'login' | 'signup'>(route.name === 'signup' || route.name === 'invite' ? 'signup' : 'login');
  const invite = route.name === 'invite' ? route.code : null;
  return (
    <main className="auth" aria-labelledby="auth-title">
      <div className="auth-card">
        <h1 id="auth-title" className="brand">
          Rooms
        </h1>
        {invite && <InvitePreview code={invite} />}
        {reason && (
          <p className="notice" role="status">
            {reason}
          </p>
        )}
        {mode === 'login' ? <LoginForm /> : <SignupForm invite={invite} />}
        <p className="auth-switch">
          {mode === 'login' ? 'New here?' : 'Have an account?'}{' '}
          <button type="button" className="link-button" onClick={() => setMode(mode === 'login' ? 'signup' : 'login')}>
            {mode === 'login' ? 'Create an account' : 'Log in'}
          </button>
        </p>
      </div>
    </main>
  );
}

export function InvitePreview({ code }: { code: string }) {
  const [room, setRoom] = useState<Awaited<ReturnType<typeof client.invites.preview>> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.invites.preview(code).then(setRoom, (e) => setError(errorText(e)));
  }, [code]);
  if (error)
    return (
      <p className="error" role="alert">
        This invite cannot be used: {error}
      </p>
    );
  if (!room) return <p className="muted">Loading the invite…</p>;
  return (
    <section className="invite-preview" aria-label="Invitation">
      <p className="muted">You are invited to join</p>
      <p className="invite-room-name">{room.room.name}</p>
      {room.room.description && <p className="invite-room-desc">{room.room.description}</p>}
      <p className="muted">{room.room.member_count} members</p>
    </section>
  );
}

function LoginForm() {
  const [identity, setIdentity] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [choice, setChoice] = useState<Choice | null>(null);

  async function submit(username?: string) {
    setBusy(true);
    setError(null);
    try {
      const res = await login(username ?? identity.trim(), password);
      if (res.kind === 'choose') setChoice(res.accounts);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (choice) {
    return (
      <div className="account-choice">
        <h2>Choose an account</h2>
        <p className="muted">Several accounts use this email and password.</p>
        <ul>
          {choice.map((a) => (
            <li key={a.id}>
              <button type="button" className="choice" disabled={busy} onClick={() => void submit(a.username ?? '')}>
                <strong>{a.display_name}</strong> <span className="muted">@{a.username}</span>
              </button>
            </li>
          ))}
        </ul>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="button" className="link-button" onClick={() => setChoice(null)}>
          Back
        </button>
      </div>
    );
  }

  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>Log in</h2>
      <label>
        Username or email
        <input name="username" autoComplete="username" required value={identity} onChange={(e) => setIdentity(e.target.value)} autoFocus />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}

function SignupForm({ invite }: { invite: string | null }) {
  const [f, setF] = useState({ username: '', email: '', password: '', display_name: '', setup_token: '' });
  const [needsSetup, setNeedsSetup] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = (k: keyof typeof f) => ({
    value: f[k],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setF({ ...f, [k]: e.target.value }),
  });

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      await signup({
        username: f.username.trim(),
        email: f.email.trim(),
        password: f.password,
        ...(f.display_name.trim() ? { display_name: f.display_name.trim() } : {}),
        ...(invite ? { invite_code: invite } : {}),
        ...(f.setup_token.trim() ? { setup_token: f.setup_token.trim() } : {}),
      });
      // Signing up with an invite joined its room: open it. Accepting again answers with the room
      // and uses nothing, even when the sign-up took the code's last use (a preview would say 410).
      const target = invite
        ? await client.invites.accept(invite).then(
            ({ room }) => (putRoom(room), roomPath(room.id)),
            () => '/',
          )
        : '/';
      navigate(target, { replace: true });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'setup_required') setNeedsSetup(true);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>Create an account</h2>
      <label>
        Username
        <input
          name="username"
          autoComplete="username"
          required
          minLength={limits().username.min}
          maxLength={limits().username.max}
          pattern="[a-z0-9_]+"
          title={`${limits().username.min}–${limits().username.max} lowercase letters, digits or _`}
          {...field('username')}
          autoFocus
        />
      </label>
      <label>
        Display name <span className="muted">(optional)</span>
        <input name="display_name" autoComplete="name" maxLength={limits().display_name.max} {...field('display_name')} />
      </label>
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required {...field('email')} />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={limits().password.min}
          maxLength={limits().password.max}
          {...field('password')}
        />
      </label>
      {needsSetup && (
        <label>
          Setup token <span className="muted">(printed in the server's log on first start)</span>
          <input name="setup_token" autoComplete="off" {...field('setup_token')} />
        </label>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create account'}
      </button>
    </form>
  );
}
