package io.opensandbox.spring.model;

import java.util.List;

/**
 * One page of a paginated listing.
 *
 * @param <T> the item type
 * @param items the items on this page
 * @param page the page number, starting at 1
 * @param pageSize the requested page size
 * @param totalItems the number of items matching the filter on all pages
 * @param totalPages the number of pages
 * @param hasNextPage whether a page follows this one
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record ResultPage<T>(List<T> items, int page, int pageSize, long totalItems, int totalPages,
		boolean hasNextPage) {

	public ResultPage {
		items = List.copyOf(items);
	}

}
