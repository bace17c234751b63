export const CHAT_HELP = `Usage: rooms chat [URL] [--user NAME] [--login]

The terminal chat client. URL is the server (default: $ROOMS_URL, else http://localhost:8080).
Log in with your username and password (not echoed); the session is saved for next time in
$XDG_CONFIG_HOME/rooms/chat.json (readable by you only; ROOMS_CHAT_FILE to put it elsewhere).

  --user NAME   log in as NAME (skips the username question)
  --login       ask for the password even if a session is saved

Commands, once logged in:
  who                      who is online now
  last N                   who connected in the last N minutes (0 < N ≤ 60)
  active N                 who was active in the last N minutes (0 < N ≤ 60)
  send USER MSG            a direct message; send (U1 U2 ...) MSG sends one to each,
                           with a result per person (sent / stored for when they come back /
                           blocked / unknown user / that is you)
  hide USER|(U ...)        hide your direct conversation with USER from rooms; it comes
                           back when one of you sends a message
  broadcast MSG            to everyone online (server admins only)
  blacklist USER|(U ...)   block users (they cannot message you); alone: show the list
  whitelist USER|(U ...)   unblock users
  check [USER]             your profile, or what you may see of USER's
  rooms                    your rooms and public rooms to join
  join ROOM                make ROOM the current room (joins a public room)
  upload PATH              upload a file (image, PDF, Word, zip, audio, video; 10 MB): it goes
                           with your next say or send; upload alone lists the files waiting,
                           upload --clear drops them
  say MSG                  a message in the current room (with the files waiting; MSG may then
                           be left out). Files in messages show as [image: cat.jpg 1.2 MB] URL
  history [N]              the last N messages of the current room
  search QUERY             messages in your rooms that match, the matches marked, with the
                           message before and after each: words (parts of words too), "a
                           phrase", -word, from:USER, in:ROOM, before:/after:/during:DATE,
                           has:link|image|file; --recent for newest first; search alone
                           shows the next page
  logout                   log out (the server ends the session) and forget the saved one
  help                     the commands

Ctrl+C logs out (keeping the saved session). Direct messages sent while you were offline are
shown when you log in. The server ends a session after TIME_OUT (30 min) without input.

Examples:
  rooms chat
  rooms chat https://chat.example.com --user alice`;
