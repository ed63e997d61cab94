package dev.pier.control.store;

import static dev.pier.control.store.AuditRepository.record;
import static dev.pier.control.store.Jdbc.all;
import static dev.pier.control.store.Jdbc.instant;
import static dev.pier.control.store.Ids.newId;
import static dev.pier.control.store.Jdbc.now;
import static dev.pier.control.store.Jdbc.one;
import static dev.pier.control.store.Jdbc.ts;
import static dev.pier.control.store.Jdbc.update;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The account's lists ({@code rules_lists}) and their items ({@code rules_list_items}), whose changes are audited as the list's. */
final class ListRepository {

    private static final String LIST_SELECT = "SELECT l.*, (SELECT COUNT(*) FROM rules_list_items i WHERE i.list_id = l.id) AS num_items "
            + "FROM rules_lists l";

    private final Jdbc jdbc;

    ListRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    List<StoredList> lists() {
        return jdbc.read(c -> all(c, LIST_SELECT + " ORDER BY l.name", ListRepository::storedList));
    }

    Optional<StoredList> list(String id) {
        return jdbc.read(c -> one(c, LIST_SELECT + " WHERE l.id = ?", ListRepository::storedList, id));
    }

    StoredList createList(String name, String kind, String description, String actor) {
        return jdbc.write(c -> {
            if (one(c, LIST_SELECT + " WHERE l.name = ?", ListRepository::storedList, name).isPresent()) {
                throw new StoreException(StoreException.Kind.CONFLICT, "list " + name + " already exists");
            }
            Instant now = now();
            StoredList list = new StoredList(newId(), name, kind, description, 0, now, now);
            update(c, "INSERT INTO rules_lists (id, name, kind, description, created_on, modified_on) VALUES (?, ?, ?, ?, ?, ?)",
                    list.id(), name, kind, description, ts(now), ts(now));
            record(c, actor, "create", "list", list.id(), null, null, list);
            return list;
        });
    }

    boolean deleteList(String id, String actor) {
        return jdbc.write(c -> {
            Optional<StoredList> before = one(c, LIST_SELECT + " WHERE l.id = ?", ListRepository::storedList, id);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM rules_lists WHERE id = ?", id);
            record(c, actor, "delete", "list", id, null, before.get(), null);
            return true;
        });
    }

    List<StoredListItem> listItems(String listId, String after, int limit) {
        return jdbc.read(c -> all(c, "SELECT * FROM rules_list_items WHERE list_id = ? AND item > ? ORDER BY item LIMIT ?",
                ListRepository::listItem, listId, after, limit));
    }

    void putListItems(String listId, Map<String, String> items, boolean replace, String actor) {
        jdbc.write(c -> {
            StoredList list = one(c, LIST_SELECT + " WHERE l.id = ?", ListRepository::storedList, listId)
                    .orElseThrow(() -> new StoreException(StoreException.Kind.NOT_FOUND, "list " + listId + " does not exist"));
            List<StoredListItem> before = all(c, "SELECT * FROM rules_list_items WHERE list_id = ? ORDER BY item", ListRepository::listItem,
                    listId);
            if (replace) {
                update(c, "DELETE FROM rules_list_items WHERE list_id = ?", listId);
            }
            Instant now = now();
            for (Map.Entry<String, String> e : items.entrySet()) {
                update(c, "INSERT INTO rules_list_items (id, list_id, item, item_comment, created_on, modified_on) VALUES (?, ?, ?, ?, ?, ?)",
                        newId(), listId, e.getKey(), e.getValue(), ts(now), ts(now));
            }
            update(c, "UPDATE rules_lists SET modified_on = ? WHERE id = ?", ts(now), listId);
            record(c, actor, replace ? "replace_items" : "add_items", "list", listId, null,
                    before.stream().map(StoredListItem::item).toList(), items.keySet());
            return list;
        });
    }

    int deleteListItems(String listId, Collection<String> itemIds, String actor) {
        return jdbc.write(c -> {
            int n = 0;
            for (String id : itemIds) {
                Optional<StoredListItem> item = one(c, "SELECT * FROM rules_list_items WHERE list_id = ? AND id = ?", ListRepository::listItem,
                        listId, id);
                if (item.isPresent()) {
                    update(c, "DELETE FROM rules_list_items WHERE id = ?", id);
                    record(c, actor, "delete_item", "list", listId, null, item.get().item(), null);
                    n++;
                }
            }
            return n;
        });
    }

    Map<String, List<String>> listsWithItems() {
        return jdbc.read(c -> {
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (StoredList l : all(c, LIST_SELECT + " ORDER BY l.name", ListRepository::storedList)) {
                out.put(l.name(), new ArrayList<>());
            }
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT l.name, i.item FROM rules_list_items i JOIN rules_lists l ON l.id = i.list_id ORDER BY l.name, i.item");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.get(rs.getString(1)).add(rs.getString(2));
                }
            }
            return out;
        });
    }

    private static StoredList storedList(ResultSet rs) throws SQLException {
        return new StoredList(rs.getString("id"), rs.getString("name"), rs.getString("kind"), rs.getString("description"),
                rs.getInt("num_items"), instant(rs, "created_on"), instant(rs, "modified_on"));
    }

    private static StoredListItem listItem(ResultSet rs) throws SQLException {
        return new StoredListItem(rs.getString("id"), rs.getString("list_id"), rs.getString("item"), rs.getString("item_comment"),
                instant(rs, "created_on"), instant(rs, "modified_on"));
    }
}
