import type { ReactNode } from 'react';
import { useState } from 'react';
import { readConversation } from './example-model.js';
import type { Message } from './example-model.js';
import { Link } from '../lib/router.js';
import { JsonView } from './json-view.js';
import { changeAt } from './version-diff.js';
import type { FieldChange, Path } from './version-diff.js';

const SPEAKERS: Record<Message['speaker'], string> = {
  user: 'User', expected: 'Expected response', assistant: 'Assistant', system: 'System', tool: 'Tool', other: 'Message',
};

/**
 * One evaluation example as a conversation: the simulated user's profile, each turn's input and
 * expected response, the expected tool trajectory and the assertions. With `changes` (a version
 * diff) the parts that changed are highlighted.
 */
export function ExampleCard({ example, changes = [], headingLevel = 3, historyHref, actions }: {
  example: Record<string, unknown>; changes?: readonly FieldChange[]; headingLevel?: 2 | 3; historyHref?: string; actions?: ReactNode;
}) {
  const [raw, setRaw] = useState(false);
  const conversation = readConversation(example);
  const cls = (path: Path, base = '') => {
    const kind = changeAt(changes, path);
    return `${base}${kind && kind !== 'inside' ? ` diff-${kind}` : kind === 'inside' ? ' diff-inside' : ''}`.trim() || undefined;
  };
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <article className="example" aria-label={`Example ${conversation.title}`} data-example-id={conversation.exampleId}>
      <header className="example-head">
        <Heading className={cls(['scenario_id'])}>{conversation.title}</Heading>
        <span className="muted small">id {conversation.exampleId}</span>
        {historyHref && <Link to={historyHref} className="small history-link">History</Link>}
        <button type="button" className="small" aria-pressed={raw} onClick={() => setRaw(!raw)}>{raw ? 'Show conversation' : 'Show JSON'}</button>
        {actions}
      </header>
      {raw ? (
        <JsonView value={example} changes={changes} />
      ) : (
        <>
          {conversation.description && <p className={cls(['scenario_description'], 'description')}>{conversation.description}</p>}
          {conversation.actor && (
            <dl className={cls(conversation.actor.path, 'actor')} aria-label="Simulated user">
              <div><dt>User's goal</dt><dd className={cls(['actor_profile', 'goal'])}><Content value={conversation.actor.goal} /></dd></div>
              <div><dt>Context</dt><dd className={cls(['actor_profile', 'context'])}><Content value={conversation.actor.context} /></dd></div>
              {conversation.actor.traits !== undefined && <div><dt>Traits</dt><dd className={cls(['actor_profile', 'traits'])}><Content value={conversation.actor.traits} /></dd></div>}
            </dl>
          )}
          <ol className="conversation">
            {conversation.messages.map((message, i) => (
              <li key={i} className={cls(message.path, `bubble bubble-${message.speaker}`)}>
                <span className="speaker">
                  {message.turn !== undefined && message.speaker === 'user' ? `Turn ${message.turn} · ` : ''}
                  {message.speaker === 'other' ? message.role : SPEAKERS[message.speaker]}
                </span>
                <Content value={message.content} />
              </li>
            ))}
          </ol>
          {conversation.maxTurns !== undefined && <p className={cls(['max_turns'], 'small')}>At most {String(conversation.maxTurns)} turns.</p>}
          {conversation.trajectory && (
            <div className={cls(conversation.trajectory.path, 'trajectory')}>
              <h4>Expected tool calls</h4>
              <ol className="tools">
                {conversation.trajectory.tools.map((tool, i) => <li key={i} className={cls([...conversation.trajectory!.path, i], 'tool')}>{typeof tool === 'string' ? tool : JSON.stringify(tool)}</li>)}
              </ol>
            </div>
          )}
          {conversation.assertions && (
            <div className={cls(conversation.assertions.path, 'assertions')}>
              <h4>Assertions</h4>
              <ul>
                {conversation.assertions.items.map((item, i) => <li key={i} className={cls(['assertions', i])}><Content value={item} /></li>)}
              </ul>
            </div>
          )}
          {conversation.other.length > 0 && (
            <dl className="other-fields">
              {conversation.other.map(([key, value]) => (
                <div key={key} className={cls([key])}><dt>{key}</dt><dd><Content value={value} /></dd></div>
              ))}
            </dl>
          )}
        </>
      )}
    </article>
  );
}

function Content({ value }: { value: unknown }) {
  if (typeof value === 'string') return <span className="text">{value}</span>;
  if (value === undefined) return <span className="muted">(missing)</span>;
  // A flat object of plain values (traits, metadata) reads better as "name: value" lines.
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length > 0 && entries.every(([, v]) => v === null || typeof v !== 'object')) {
      return <ul className="kv">{entries.map(([k, v]) => <li key={k}><span>{k}:</span> {String(v)}</li>)}</ul>;
    }
  }
  return <JsonView value={value} />;
}
