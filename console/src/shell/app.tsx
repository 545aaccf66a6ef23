import { useEffect, useMemo, useState } from 'react';
import { AgentCoreDatasetPage } from '../agentcore/dataset-page.js';
import { VersionDiffPage } from '../agentcore/diff-page.js';
import { ExampleHistoryPage } from '../agentcore/history-page.js';
import { JobsPage } from '../jobs/jobs-page.js';
import { ClientsContext, createClients } from '../lib/clients.js';
import { useRoute } from '../lib/router.js';
import { askOtherTabs, clearSession, lastRegion, loadSession, saveSession, shareSession, signedOutHere } from '../lib/session.js';
import type { Session } from '../lib/session.js';
import { RekognitionDatasetPage } from '../rekognition/dataset-page.js';
import { RevisionDiffPage } from '../rekognition/history/diff-page.js';
import { DatasetHistoryPage } from '../rekognition/history/history-page.js';
import { IngestReportPage } from '../rekognition/history/report-page.js';
import { ProjectPage } from '../rekognition/project-page.js';
import { HomePage } from './home-page.js';
import { Layout } from './layout.js';
import { fetchConsoleConfig, SignIn } from './sign-in.js';

/**
 * A tab starts signed in when it has a session, when another open console tab shares its own, or,
 * on a loopback Trove without credentials, with the local pair (unless signed out in this tab).
 */
async function findSession(): Promise<Session | undefined> {
  const shared = await askOtherTabs();
  if (shared) return shared;
  if (signedOutHere()) return undefined;
  const config = await fetchConsoleConfig();
  return config?.localPair ? { ...config.localPair, region: lastRegion() ?? config.defaultRegion } : undefined;
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [resolving, setResolving] = useState(session === undefined);
  const clients = useMemo(() => (session ? createClients(session) : undefined), [session]);
  const route = useRoute();
  const signIn = (next: Session) => {
    saveSession(next);
    setSession(next);
  };
  useEffect(() => {
    if (!resolving) return;
    void findSession().then((found) => {
      if (found) signIn(found);
      setResolving(false);
    });
  }, []);
  useEffect(() => (session ? shareSession(() => session, () => setSession(undefined)) : undefined), [session]);

  if (!clients) {
    if (resolving) return <main id="main" className="sign-in"><p className="muted" role="status">Signing in…</p></main>;
    return <SignIn onSignedIn={signIn} />;
  }
  const signOut = () => {
    clearSession();
    setSession(undefined);
  };
  return (
    <ClientsContext.Provider value={clients}>
      <Layout session={clients.session} onSignOut={signOut} onRegion={(region) => signIn({ ...clients.session, region })}>
        {/* Everything is read again in another region. */}
        <Page key={clients.session.region} path={route.path} query={route.query} />
      </Layout>
    </ClientsContext.Provider>
  );
}

function Page({ path, query }: { path: string; query: URLSearchParams }) {
  switch (path) {
    case '/':
      return <HomePage />;
    case '/rekognition/project':
      return <ProjectPage name={query.get('name') ?? ''} />;
    case '/rekognition/dataset':
      return <RekognitionDatasetPage arn={query.get('arn') ?? ''} query={query} />;
    case '/rekognition/dataset/history':
      return <DatasetHistoryPage arn={query.get('arn') ?? ''} />;
    case '/rekognition/dataset/report':
      return <IngestReportPage arn={query.get('arn') ?? ''} revision={Number(query.get('revision'))} />;
    case '/rekognition/dataset/diff':
      return <RevisionDiffPage arn={query.get('arn') ?? ''} from={query.get('from') ?? ''} to={query.get('to') ?? undefined} />;
    case '/agentcore/dataset':
      return <AgentCoreDatasetPage datasetId={query.get('id') ?? ''} version={query.get('version') ?? 'DRAFT'} query={query} />;
    case '/agentcore/history':
      return <ExampleHistoryPage datasetId={query.get('id') ?? ''} exampleId={query.get('example') ?? ''} />;
    case '/agentcore/diff':
      return <VersionDiffPage datasetId={query.get('id') ?? ''} from={query.get('from') ?? ''} to={query.get('to') ?? ''} />;
    case '/jobs':
      return <JobsPage query={query} />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>The console has no page at {path}.</p>
        </section>
      );
  }
}
