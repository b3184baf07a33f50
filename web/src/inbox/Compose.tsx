/**
 * The compose box: To (for a new conversation), From, the body with its live preview, and Send. A send carries an
 * idempotency key that stays the same while the draft does, so a double click or a retry sends once; `userErrors`
 * appear under the field they name.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { SendMessageDocument } from '../__generated__/graphql';
import { addToInbox } from './inbox-cache';
import { partyOf } from './conversations';
import { Preview } from './Preview';
import { useDebounced } from './use-debounced';

type Field = 'to' | 'from' | 'body';
type FieldErrors = Partial<Record<Field | 'form', string>>;

interface Props {
  /** The conversation's other party; null for a new message (then To is asked for). */
  to: string | null;
  defaultFrom: string | null;
  onSent(party: string): void;
}

/** 128 random bits as hex: an idempotency key (crypto.randomUUID needs a secure context; this does not). */
function newKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The field a userError names (`["input", "to"]` → "to"); anything else is shown for the whole form. */
function fieldOf(path: readonly string[] | null | undefined): Field | 'form' {
  const last = path?.[path.length - 1];
  return last === 'to' || last === 'from' || last === 'body' ? last : 'form';
}

/**
 * What a failed send says. A send whose outcome is unknown may have gone out: its draft keeps its idempotency key,
 * so pressing Send again without changing it answers the same outcome and never sends a second message.
 */
export function sendFailure(error: unknown): string {
  const code = (error as { errors?: ReadonlyArray<{ extensions?: { code?: unknown } }> } | null)?.errors?.[0]?.extensions?.code;
  if (code === 'SEND_OUTCOME_UNKNOWN') {
    return 'It is not known whether this message went out. Check the conversation before writing it again; sending this same draft again never sends it twice.';
  }
  return error instanceof Error && error.message ? error.message : 'The message could not be sent. Try again in a moment.';
}

export function Compose({ to: fixedTo, defaultFrom, onSent }: Props) {
  const ids = useId();
  const apollo = useApolloClient();
  const [to, setTo] = useState('');
  const [from, setFrom] = useState(defaultFrom ?? '');
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [send, { loading }] = useMutation(SendMessageDocument);
  const sending = useRef(false);
  // One key per draft: the same draft sent twice is one message; any edit makes it a new one.
  const draft = `${fixedTo ?? to}\n${from}\n${body}`;
  const key = useRef({ draft, value: newKey() });
  if (key.current.draft !== draft) key.current = { draft, value: newKey() };
  const previewBody = useDebounced(body, 150);
  useEffect(() => {
    setFrom((current) => current || defaultFrom || '');
  }, [defaultFrom]);

  const submit = async (event?: FormEvent): Promise<void> => {
    event?.preventDefault();
    // A second click lands before React re-renders the disabled button: the ref is the guard.
    if (sending.current) return;
    sending.current = true;
    setErrors({});
    try {
      const input = { to: (fixedTo ?? to).trim(), from: from.trim() || null, body, idempotencyKey: key.current.value };
      const { data, error } = await send({ variables: { input } });
      if (error) return setErrors({ form: sendFailure(error) });
      const result = data?.createMessage;
      if (result?.userErrors.length) {
        const found: FieldErrors = {};
        for (const userError of result.userErrors) found[fieldOf(userError.field)] ??= userError.message;
        return setErrors(found);
      }
      if (result?.message) {
        addToInbox(apollo.cache, result.message);
        setBody('');
        onSent(partyOf(result.message));
      }
    } catch (error) {
      // Apollo Client rejects on GraphQL and network errors alike: the person must see that nothing (or maybe something) went out.
      setErrors({ form: sendFailure(error) });
    } finally {
      sending.current = false;
    }
  };
  // Enter sends, Shift+Enter starts a new line (as in every chat app).
  const onBodyKey = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  };
  const described = (field: Field, extra?: string): string | undefined =>
    [errors[field] ? `${ids}-${field}-error` : null, extra ?? null].filter(Boolean).join(' ') || undefined;
  const fieldError = (field: Field) =>
    errors[field] && (
      <p id={`${ids}-${field}-error`} className="field-error" role="alert">
        {errors[field]}
      </p>
    );

  return (
    <form className="compose" onSubmit={(event) => void submit(event)} aria-label="Compose a message" noValidate>
      <div className="addresses">
        {fixedTo === null && (
          <div className="field">
            <label htmlFor={`${ids}-to`}>To</label>
            <input id={`${ids}-to`} type="tel" inputMode="tel" autoComplete="off" placeholder="+14155550100" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={Boolean(errors.to)} aria-describedby={described('to')} required />
            {fieldError('to')}
          </div>
        )}
        <div className="field">
          <label htmlFor={`${ids}-from`}>From</label>
          <input id={`${ids}-from`} type="text" autoComplete="off" placeholder="+15005550006" value={from} onChange={(e) => setFrom(e.target.value)} aria-invalid={Boolean(errors.from)} aria-describedby={described('from')} />
          {fieldError('from')}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-body`}>Message</label>
        <textarea id={`${ids}-body`} rows={3} value={body} onChange={(e) => setBody(e.target.value)} onKeyDown={onBodyKey} aria-invalid={Boolean(errors.body)} aria-describedby={described('body', `${ids}-preview`)} placeholder="Write a message… (Enter sends, Shift+Enter for a new line)" />
        {fieldError('body')}
        <Preview body={previewBody} id={`${ids}-preview`} />
      </div>
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <button type="submit" className="send" disabled={loading || !body.trim() || !(fixedTo ?? to).trim()}>
        {loading ? 'Sending…' : 'Send'}
      </button>
    </form>
  );
}
