## Common

points-count = { $count ->
    [one] { $count } point
   *[other] { $count } points
}
reports-count = { $count ->
    [one] { $count } report
   *[other] { $count } reports
}
lang-name = English

## Commands (menu and /help)

cmd-start = start and your role
cmd-help = what the bot can do
cmd-lang = language: Russian or English
cmd-cancel = leave the current dialogue
cmd-invite = invite a division head

## Greeting

greet-admin = Hello, { $name }! You are the <b>authorized person</b>: you keep the list of touchpoints and decide on reports.
    Waiting for a decision: { $pending }.
greet-head = Hello, { $name }! You are the <b>head of the division</b> “{ $division }”: you report new, changed and excluded touchpoints of your division.
greet-viewer = Hello, { $name }! You may get the list of touchpoints.
greet-stranger = Hello, { $name }! You have no access to the list of touchpoints yet.
    Your Telegram id: <code>{ $id }</code> — pass it to the authorized person, or open the invitation link they send you.
help-title = What you can do:
help-stranger = You have no access. Your Telegram id: <code>{ $id }</code> — pass it to the authorized person to get an invitation.

## Language

lang-choose = Choose a language:
lang-unknown = No such language. Choose a language:
lang-set = Language: English.

## Dialogues

cancel-done = Dialogue cancelled, nothing saved.
cancel-nothing = There is nothing to cancel.
unknown-command = No such command. The list of commands: /help.
not-understood = I did not understand that. The list of commands: /help.
button-stale = This button no longer works.
dialogue-lost = Your unfinished dialogue could not be restored after the bot was updated. Please start again — /help.
text-too-long = The text is too long: at most { $max } characters.
only-admin = Only the authorized person can do this.

## Invitations

invite-usage = Name the division: <code>/invite Division name</code>
division-created = Division “{ $division }” created.
invite-link = Invitation link for the head of the division “{ $division }”:
    { $link }
    The link works once, until { $expires }. Forward it to the head.
invite-welcome = Invitation accepted: you are the head of the division “{ $division }”.
invite-accepted = { $name } (id <code>{ $id }</code>) accepted the invitation and became the head of the division “{ $division }”.
invite-unknown = There is no such invitation. Check the link or ask the authorized person for a new one.
invite-used = This invitation has already been used. Ask the authorized person for a new one.
invite-expired = This invitation has expired. Ask the authorized person for a new one.
invite-revoked = This invitation was revoked. Ask the authorized person.
invite-already-admin = You are already an authorized person: you need no invitation, and it stays unused.
