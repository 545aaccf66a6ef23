import { useMemo, useState } from 'react';
import { AgentCoreDatasetPage } from '../agentcore/dataset-page.js';
import { VersionDiffPage } from '../agentcore/diff-page.js';
import { ClientsContext, createClients } from '../lib/clients.js';
import { useRoute } from '../lib/router.js';
import { clearSession, loadSession, saveSession } from '../lib/session.js';
import type { Session } from '../lib/session.js';
import { RekognitionDatasetPage } from '../rekognition/dataset-page.js';
import { ProjectPage } from '../rekognition/project-page.js';
import { HomePage } from './home-page.js';
import { Layout } from './layout.js';
import { SignIn } from './sign-in.js';

export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const clients = useMemo(() => (session ? createClients(session) : undefined), [session]);
  const route = useRoute();

  if (!clients) {
    return (
      <SignIn
        onSignedIn={(next) => {
          saveSession(next);
          setSession(next);
        }}
      />
    );
  }
  const signOut = () => {
    clearSession();
    setSession(undefined);
  };
  return (
    <ClientsContext.Provider value={clients}>
      <Layout session={clients.session} onSignOut={signOut}>
        <Page path={route.path} query={route.query} />
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
    case '/agentcore/dataset':
      return <AgentCoreDatasetPage datasetId={query.get('id') ?? ''} version={query.get('version') ?? 'DRAFT'} />;
    case '/agentcore/diff':
      return <VersionDiffPage datasetId={query.get('id') ?? ''} from={query.get('from') ?? ''} to={query.get('to') ?? ''} />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>The console has no page at {path}.</p>
        </section>
      );
  }
}
