// Calls the protected API through the configuration module's fetch wrapper and shows what
// it answered (or the error) in #result, where the test reads it.
import { useEffect, useState } from 'react';
import { adalApiFetch, withAdalLoginApi } from './adalConfig';

function App() {
  const [answer, setAnswer] = useState('');
  useEffect(() => {
    adalApiFetch(fetch, '/api/orders', { method: 'GET' })
      .then((response) => response.text().then((body) => `${response.status} ${body}`))
      .then(setAnswer, (error) => setAnswer(`error ${JSON.stringify(error)} ${error}`));
  }, []);
  return <pre id="result">{answer}</pre>;
}

export default withAdalLoginApi(App);
