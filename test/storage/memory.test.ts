import t from 'tap'
import { createMemoryStore } from '../../services/storage/memory.js'
import { storeContract } from './contract.js'
import { usernameContract } from './contract-usernames.js'

storeContract(t, async (t) => {
  const store = createMemoryStore()
  t.teardown(() => store.close())
  return store
})
usernameContract(t, async (t) => { const store = createMemoryStore(); t.teardown(() => store.close()); return store })
